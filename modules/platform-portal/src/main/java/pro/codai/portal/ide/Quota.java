package pro.codai.portal.ide;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A person's Try Now time today, as the IDE's meter shows it.
 *
 * @param plan their plan's name
 * @param allowanceSeconds seconds a day the plan allows, or -1 for unlimited
 * @param usedSeconds seconds used today
 * @param warningSeconds the page warns when this little time is left
 */
record Quota(String plan, long allowanceSeconds, long usedSeconds, long warningSeconds) {

    boolean unlimited() {
        return allowanceSeconds < 0;
    }

    long remainingSeconds() {
        return unlimited() ? -1 : Math.max(0, allowanceSeconds - usedSeconds);
    }

    JsonObject toJson() {
        return Json.createObjectBuilder()
                .add("plan", plan)
                .add("unlimited", unlimited())
                .add("allowanceSeconds", allowanceSeconds)
                .add("usedSeconds", usedSeconds)
                .add("remainingSeconds", remainingSeconds())
                .add("warningSeconds", warningSeconds)
                .build();
    }

    /** "2 h", "1 h 5 min", "12 min", "40 s". */
    static String duration(long seconds) {
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        if (hours > 0) {
            return minutes > 0 ? hours + " h " + minutes + " min" : hours + " h";
        }
        return minutes > 0 ? minutes + " min" : seconds + " s";
    }
}
