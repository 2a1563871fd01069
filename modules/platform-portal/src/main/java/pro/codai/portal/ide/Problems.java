package pro.codai.portal.ide;

import jakarta.json.Json;
import jakarta.ws.rs.core.Response;

/** RFC 9457 problem responses of the IDE API. */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    static Response of(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(json(status, title, detail)).build();
    }

    static String json(int status, String title, String detail) {
        return Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build()
                .toString();
    }

    static Response of(WorkspaceFileException refused) {
        return of(refused.status(), refused.title(), refused.getMessage());
    }
}
