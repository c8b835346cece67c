package io.durablekafka.examples.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The report's activities and request checks on their own (the whole flow runs in deploy's ReportsApiEndToEndTest). */
class GenerateReportTest {

    private static final ReportRequest SALES = new ReportRequest("sales", "2024-01-15", "2024-03-02", 0.0);

    @Test
    void collectsOneFigurePerMonthTheSameEachTime() {
        GenerateReport.DataPoint[] data = GenerateReport.collect(SALES);
        assertEquals(3, data.length);
        assertEquals("2024-01", data[0].period());
        assertEquals("2024-03", data[2].period());
        assertArrayEquals(data, GenerateReport.collect(SALES), "activities may run again: same input, same data");
    }

    @Test
    void summarizesAndRenders() {
        GenerateReport.DataPoint[] data = {new GenerateReport.DataPoint("2024-01", 10),
                new GenerateReport.DataPoint("2024-02", 30)};
        ReportResult.ReportSummary summary = GenerateReport.summarize(data);
        assertEquals(new ReportResult.ReportSummary(2, 40, 20, "2024-02"), summary);
        ReportResult result = GenerateReport.render(new GenerateReport.RenderInput("r1", SALES, summary, data));
        assertEquals("r1", result.reportId());
        assertEquals(java.util.List.of("period,amount", "2024-01,10", "2024-02,30"), result.rows());
    }

    @Test
    void requestsAreChecked() {
        assertNull(SALES.problem());
        assertTrue(new ReportRequest(null, "2024-01-01", "2024-02-01", null).problem().contains("reportType"));
        assertTrue(new ReportRequest("sales", "January", "2024-02-01", null).problem().contains("dates"));
        assertTrue(new ReportRequest("sales", "2024-02-01", "2024-01-01", null).problem().contains("before"));
        assertTrue(new ReportRequest("sales", "2024-01-01", "2024-02-01", -1.0).problem().contains("workSeconds"));
        assertEquals(Duration.ofSeconds(2), new ReportRequest("sales", "2024-01-01", "2024-02-01", null).stageTime());
    }
}
