/** {@code /api/v1/runs}: compile and run a program in a fresh sandbox. */
package pro.codai.api.runs;
