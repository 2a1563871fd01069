/**
 * Compile-and-run of student programs in a fresh sandbox per run: languages, parameters with Jobe's
 * defaults and bounds, outcomes, and the service that drives the sandbox connector. Used by {@code
 * /api/v1/runs} and the Jobe-compatible API.
 */
package pro.codai.platform.run;
