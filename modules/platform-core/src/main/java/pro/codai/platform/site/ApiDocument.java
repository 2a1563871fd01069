package pro.codai.platform.site;

/**
 * The OpenAPI document's info, shared by every application that serves REST resources: the server's
 * {@code /openapi} merges their documents, and they must agree on it.
 */
public final class ApiDocument {

    public static final String TITLE = "CodaiPro Campus API";
    public static final String VERSION = "1";
    public static final String DESCRIPTION =
            "REST API of the CodaiPro Campus appliance. Errors are RFC 9457 problem details"
                    + " (application/problem+json).";
    public static final String LICENSE = "Proprietary";

    private ApiDocument() {}
}
