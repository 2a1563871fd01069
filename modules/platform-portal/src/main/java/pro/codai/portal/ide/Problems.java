package pro.codai.portal.ide;

import jakarta.ws.rs.core.Response;

import pro.codai.platform.web.ProblemJson;

/** RFC 9457 problem responses of the IDE API. */
final class Problems {

    static final String MEDIA_TYPE = ProblemJson.MEDIA_TYPE;

    private Problems() {}

    static Response of(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(json(status, title, detail)).build();
    }

    static String json(int status, String title, String detail) {
        return ProblemJson.json(status, title, detail, null);
    }

    static Response of(WorkspaceFileException refused) {
        return of(refused.status(), refused.title(), refused.getMessage());
    }
}
