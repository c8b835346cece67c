package io.durablekafka.examples.reports;

import java.util.List;

/**
 * A finished report: the output of {@link GenerateReport}.
 *
 * @param reportId the instance ID of the orchestration that made it
 * @param rows     one line per period, {@code period,amount}
 */
public record ReportResult(String reportId, String reportType, String startDate, String endDate,
                           ReportSummary summary, List<String> rows) {

    /** The figures over all periods. */
    public record ReportSummary(int periods, long total, long average, String bestPeriod) {
    }
}
