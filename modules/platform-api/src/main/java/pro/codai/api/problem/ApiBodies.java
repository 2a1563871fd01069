package pro.codai.api.problem;

import jakarta.ws.rs.ext.Provider;

import pro.codai.platform.web.BoundedBodies;

/** The API's bodies: at most 32 MB, and JSON at most {@link #MAX_DEPTH} levels deep. */
@Provider
public class ApiBodies extends BoundedBodies {

    /** No resource of the API takes more than a few levels. */
    public static final int MAX_DEPTH = 32;

    public ApiBodies() {
        super(MAX_DEPTH);
    }
}
