/** System information resource. */
package pro.codai.api.info;
