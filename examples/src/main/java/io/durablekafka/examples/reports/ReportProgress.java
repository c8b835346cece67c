package io.durablekafka.examples.reports;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The custom status of a report in the making, e.g. {@code {"stage": "collecting", "percent": 10}}: what the
 * status route shows while it runs.
 *
 * @param recordCount the number of data points collected, once known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportProgress(String stage, int percent, Integer recordCount) {

    static ReportProgress of(String stage, int percent) {
        return new ReportProgress(stage, percent, null);
    }
}
