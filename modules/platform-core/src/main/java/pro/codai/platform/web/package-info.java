/**
 * Web concerns every WAR shares. HTTP: {@link CleartextUpgradeFilter} (in every WAR through this
 * jar's {@code web-fragment.xml}). Errors, when something goes wrong outside a WAR's own code: RFC
 * 9457 problem details for the APIs ({@link ProblemServlet}, the error page of api.war and
 * jobe.war), one throttled log line per error ({@link ErrorLog}) instead of a stack trace, a filter
 * that turns anything uncaught into such a line and the WAR's own error page ({@link
 * UncaughtErrorFilter}), and request bodies bounded before JAX-RS reads them ({@link
 * BoundedBodies}). Each WAR names its error pages in its {@code web.xml}, so no Payara "Error
 * report" page is ever shown.
 */
package pro.codai.platform.web;
