/** The REST API (api.war): resources by feature, errors as RFC 9457 problem details. */
package pro.codai.api;
