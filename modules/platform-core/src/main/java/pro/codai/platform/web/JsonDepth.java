package pro.codai.platform.web;

/**
 * How deeply a JSON text nests, found by a scan of its bytes before any parser sees it. The JSON
 * parser of the server refuses more than 1000 levels with an unchecked exception that no resource
 * expects; a body is checked here against a far smaller bound first.
 */
public final class JsonDepth {

    private JsonDepth() {}

    /**
     * Whether {@code json} (UTF-8) opens more than {@code max} arrays or objects inside another.
     */
    public static boolean exceeds(byte[] json, int max) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++; // the escaped character, whatever it is, does not end the string
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '[' || b == '{') {
                if (++depth > max) {
                    return true;
                }
            } else if ((b == ']' || b == '}') && depth > 0) {
                depth--;
            }
        }
        return false;
    }
}
