/** The public landing page. */
package pro.codai.portal.landing;
