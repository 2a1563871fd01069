/**
 * What every answer of the portal carries and which address serves what: the security headers and
 * the pages' Content Security Policy ({@link pro.codai.portal.site.SecurityHeadersFilter}, {@link
 * pro.codai.portal.site.ContentSecurityPolicy}), the portal's own origin and the separate origin
 * that serves student-written previews ({@link pro.codai.portal.site.SiteOrigins}).
 */
package pro.codai.portal.site;
