package io.durablekafka.examples.reports;

import java.time.Duration;
import java.time.LocalDate;

/**
 * What a client asks for: {@code {"reportType": "sales", "startDate": "2024-01-01", "endDate": "2024-12-31"}}.
 *
 * @param workSeconds how long each stage takes (a durable timer standing in for slow work, so that progress can be
 *                    watched); null means {@value #DEFAULT_WORK_SECONDS} seconds, 0 runs straight through
 */
public record ReportRequest(String reportType, String startDate, String endDate, Double workSeconds) {

    public static final double DEFAULT_WORK_SECONDS = 2;
    static final double MAX_WORK_SECONDS = 3600;

    /** Why the request cannot make a report, or null when it can. */
    public String problem() {
        if (reportType == null || reportType.isBlank()) {
            return "'reportType' is required";
        }
        LocalDate start;
        LocalDate end;
        try {
            start = LocalDate.parse(startDate);
            end = LocalDate.parse(endDate);
        } catch (RuntimeException e) {
            return "'startDate' and 'endDate' must be dates like 2024-01-31";
        }
        if (end.isBefore(start)) {
            return "'endDate' is before 'startDate'";
        }
        if (workSeconds != null && (workSeconds < 0 || workSeconds > MAX_WORK_SECONDS || workSeconds.isNaN())) {
            return "'workSeconds' must be between 0 and " + (int) MAX_WORK_SECONDS;
        }
        return null;
    }

    Duration stageTime() {
        double s = workSeconds == null ? DEFAULT_WORK_SECONDS : workSeconds;
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
