/** The public site: branding and the real figures shown on the landing page. */
package pro.codai.platform.site;
