/**
 * The timetable of class starts: an administrator announces that a class of so many students starts
 * at a time, and ahead of it sandboxd's warm pool grows by that many sandboxes ({@link
 * pro.codai.platform.timetable.PreWarmPlan}), shrinking back once the class has started.
 */
package pro.codai.platform.timetable;
