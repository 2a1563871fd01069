/**
 * The timetable-aware pre-warm: a periodic task, in this one application of the server, that keeps
 * sandboxd's warm pool at its configured size plus the students of the classes about to start.
 */
package pro.codai.api.prewarm;
