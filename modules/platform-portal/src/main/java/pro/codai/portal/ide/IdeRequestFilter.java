package pro.codai.portal.ide;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses IDE API calls without a signed-in person, and changes without the IDE's request header
 * ({@value #IDE_HEADER}: 1): a form or link on another site cannot send it, so a student's cookie
 * cannot be used to change their files from elsewhere.
 */
@Provider
public class IdeRequestFilter implements ContainerRequestFilter {

    static final String IDE_HEADER = "X-CodaiPro-IDE";

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() == null) {
            request.abortWith(
                    Problems.of(401, "Sign in first", "The IDE needs a signed-in session."));
            return;
        }
        boolean reads =
                HttpMethod.GET.equals(request.getMethod())
                        || HttpMethod.HEAD.equals(request.getMethod());
        if (!reads && !"1".equals(request.getHeaderString(IDE_HEADER))) {
            request.abortWith(
                    Problems.of(
                            403,
                            "Not from the IDE",
                            "Changes to your files are made from the IDE page only."));
        }
    }
}
