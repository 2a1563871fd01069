/** The admin console (role {@code admin} only). */
package pro.codai.portal.admin;
