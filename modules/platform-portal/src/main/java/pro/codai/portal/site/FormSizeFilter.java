package pro.codai.portal.site;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A form body larger than the container reads ({@code max-post-size}, 2 MB) is answered 413 with
 * the branded error page, before anything asks for a parameter: the container would otherwise throw
 * from the first {@code getParameter} and the request would end as a 500.
 */
public class FormSizeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** Payara's default {@code max-post-size-bytes} of the HTTP listeners. */
    public static final long MAX_FORM_BYTES = 2L * 1024 * 1024;

    static final String ERROR_PAGE = "/error/error.xhtml";

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (isForm(request.getContentType()) && request.getContentLengthLong() > MAX_FORM_BYTES) {
            // The page is rendered as for a GET without parameters, so that it reads nothing of
            // the body either.
            request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 413);
            response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            SecurityHeadersFilter.setCommonHeaders(response); // that filter comes after this one
            request.getRequestDispatcher(ERROR_PAGE).forward(new WithoutBody(request), response);
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isForm(String contentType) {
        return contentType != null
                && contentType
                        .toLowerCase(Locale.ROOT)
                        .startsWith("application/x-www-form-urlencoded");
    }

    /** The request as a GET without parameters or body. */
    private static final class WithoutBody extends HttpServletRequestWrapper {

        WithoutBody(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getParameter(String name) {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Map.of();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public String[] getParameterValues(String name) {
            return null;
        }
    }
}
