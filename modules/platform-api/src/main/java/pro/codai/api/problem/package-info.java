/** RFC 9457 problem details: the one error shape of the API, and the mappers that produce it. */
package pro.codai.api.problem;
