package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import pro.codai.platform.account.PeopleImport.Change;
import pro.codai.platform.account.PeopleImport.InvalidFileException;
import pro.codai.platform.account.PeopleImport.Line;

/** Reading the file: what is wrong with a whole file, and with each line. */
class PeopleImportTest {

    @Test
    void aGoodLineIsReadWithItsRoleAndPlanInAnyCaseAndOrderOfColumns() throws Exception {
        List<Line> lines =
                PeopleImport.read(
                        "Plan,E-mail,Role,Name\n"
                                + "pro,ada@uni.example,instructor,Ada Lovelace\n"
                                + ",grace@uni.example,,\n"
                                + "Student,alan@uni.example\n");
        assertThat(lines)
                .containsExactly(
                        new Line(
                                2,
                                "ada@uni.example",
                                "Ada Lovelace",
                                Role.INSTRUCTOR,
                                Plan.PRO,
                                null,
                                null),
                        new Line(3, "grace@uni.example", null, null, null, null, null),
                        new Line(4, "alan@uni.example", null, null, Plan.STUDENT, null, null));
    }

    @Test
    void aSpreadsheetsEmptyRowsAndEmptyLastColumnAreLeftAlone() throws Exception {
        List<Line> lines = PeopleImport.read("email,name,\r\n,,\r\nada@uni.example,Ada,\r\n,,\r\n");
        assertThat(lines)
                .containsExactly(new Line(3, "ada@uni.example", "Ada", null, null, null, null));
        assertThatThrownBy(() -> PeopleImport.read("email,name\n,\n, \n"))
                .hasMessageContaining("names nobody");
    }

    @Test
    void aFileIsReadAsUtf8OrElseAsWindows1252() {
        assertThat(PeopleImport.decode("Zoë".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo("Zoë");
        assertThat(PeopleImport.decode(new byte[] {'Z', 'o', (byte) 0xEB})).isEqualTo("Zoë");
    }

    @Test
    void eachBadLineSaysWhatIsWrongAndTheOthersStillCount() throws Exception {
        List<Line> lines =
                PeopleImport.read(
                        "email,name,role,plan\n"
                                + "not-an-address,Someone,,\n"
                                + ",No Address,,\n"
                                + "a@uni.example,A,teacher,\n"
                                + "b@uni.example,B,,CAMPUS\n"
                                + "c@uni.example,C,,,extra\n"
                                + "d@uni.example,D,admin,free\n"
                                + "D@Uni.Example,D again,,\n"
                                + "e@uni.example,"
                                + "x".repeat(201)
                                + ",,\n");
        assertThat(lines).extracting(Line::line).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(lines).filteredOn(line -> line.change() == Change.ERROR).hasSize(7);
        assertThat(lines.get(0).detail()).isEqualTo("'not-an-address' is not an e-mail address");
        assertThat(lines.get(1).detail()).isEqualTo("no e-mail address");
        assertThat(lines.get(2).detail()).contains("role 'teacher'");
        assertThat(lines.get(3).detail()).contains("plan 'CAMPUS'");
        assertThat(lines.get(4).detail()).contains("5 fields").contains("4 columns");
        assertThat(lines.get(5))
                .isEqualTo(new Line(7, "d@uni.example", "D", Role.ADMIN, Plan.FREE, null, null));
        assertThat(lines.get(6).detail()).isEqualTo("the same address as line 7");
        assertThat(lines.get(7).detail()).contains("longer than 200");
    }

    @Test
    void aFileThatCannotBeReadAsAWholeIsRefusedBeforeAnyLine() {
        assertThatThrownBy(() -> PeopleImport.read(""))
                .isInstanceOf(InvalidFileException.class)
                .hasMessage("The file is empty.");
        assertThatThrownBy(() -> PeopleImport.read("email,name\n"))
                .hasMessageContaining("only the header");
        assertThatThrownBy(() -> PeopleImport.read("name,role\nAda,student\n"))
                .hasMessageContaining("'email'");
        assertThatThrownBy(() -> PeopleImport.read("email,course\na@uni.example,CS101\n"))
                .hasMessageContaining("'course' is not one of email, name, role, plan");
        assertThatThrownBy(() -> PeopleImport.read("email,Email\na@uni.example,a@uni.example\n"))
                .hasMessageContaining("named twice");
        assertThatThrownBy(() -> PeopleImport.read("email\n\"a@uni.example\n"))
                .hasMessageContaining("not valid CSV");
        assertThatThrownBy(() -> PeopleImport.read("PK\u0003\u0004\0\0binary"))
                .hasMessageContaining("not a CSV text file");
        StringBuilder tooMany = new StringBuilder("email\n");
        for (int i = 0; i <= PeopleImport.MAX_LINES; i++) {
            tooMany.append("p").append(i).append("@uni.example\n");
        }
        assertThatThrownBy(() -> PeopleImport.read(tooMany.toString()))
                .hasMessageContaining("2001 people; at most 2000");
        assertThatThrownBy(() -> PeopleImport.read("email\n" + "x".repeat(PeopleImport.MAX_CHARS)))
                .hasMessageContaining("larger than 1024 KB");
    }
}
