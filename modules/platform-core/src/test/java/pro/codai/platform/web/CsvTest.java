package pro.codai.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void plainFieldsAreWrittenAsTheyAreAndRowsEndInCrLf() {
        assertThat(write(List.of("a", "b c", "ü"), Arrays.asList(null, "", "1")))
                .isEqualTo("a,b c,ü\r\n,,1\r\n");
    }

    @Test
    void commasQuotesAndLineBreaksAreQuoted() {
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("cr\r")).isEqualTo("\"cr\r\"");
    }

    @Test
    void whatASpreadsheetWouldRunAsAFormulaIsDefused() {
        assertThat(Csv.field("=1+1")).isEqualTo("'=1+1");
        assertThat(Csv.field("+1")).isEqualTo("'+1");
        assertThat(Csv.field("-2")).isEqualTo("'-2");
        assertThat(Csv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.field("\tx")).isEqualTo("'\tx");
        assertThat(Csv.field("=HYPERLINK(\"u\",\"a\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"u\"\",\"\"a\"\")\"");
        assertThat(Csv.field("a=b")).isEqualTo("a=b");
    }

    private static String write(List<String>... rows) {
        StringWriter out = new StringWriter();
        Csv csv = new Csv(out);
        for (List<String> row : rows) {
            csv.row(row);
        }
        return out.toString();
    }
}
