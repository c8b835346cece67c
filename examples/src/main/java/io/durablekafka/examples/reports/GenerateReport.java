package io.durablekafka.examples.reports;

import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskOrchestrationContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The orchestration behind the reports API ({@link ReportsApi}): input a {@link ReportRequest}, output a
 * {@link ReportResult}. Three activities, one per stage (collect the data, summarize it, render the rows), each
 * announced in the custom status as a {@link ReportProgress} ({@code collecting} 10%, {@code summarizing} 40%,
 * {@code rendering} 80%, {@code done} 100%). Between stages a durable timer stands in for slow work
 * ({@code workSeconds}), so a client can watch the progress and cancel a report half way.
 */
public final class GenerateReport {

    public static final String NAME = "GenerateReport";
    static final String COLLECT = "CollectReportData";
    static final String SUMMARIZE = "SummarizeReportData";
    static final String RENDER = "RenderReport";

    private GenerateReport() {
    }

    /** A month's figure. */
    public record DataPoint(String period, long amount) {
    }

    /** What the render activity needs. */
    public record RenderInput(String reportId, ReportRequest request, ReportResult.ReportSummary summary,
                              DataPoint[] data) {
    }

    public static void register(FunctionRegistry.Builder registry) {
        registry.addOrchestration(NAME, GenerateReport::run)
                .addActivity(COLLECT, ctx -> collect(ctx.getInput(ReportRequest.class)))
                .addActivity(SUMMARIZE, ctx -> summarize(ctx.getInput(DataPoint[].class)))
                .addActivity(RENDER, ctx -> render(ctx.getInput(RenderInput.class)));
    }

    static void run(TaskOrchestrationContext ctx) {
        ReportRequest request = ctx.getInput(ReportRequest.class);
        String problem = request == null ? "the input must be a report request" : request.problem();
        if (problem != null) {
            // The API checks requests before starting; this guards starts made some other way.
            throw new IllegalArgumentException("GenerateReport: " + problem);
        }
        Duration stageTime = request.stageTime();

        ctx.setCustomStatus(ReportProgress.of("collecting", 10));
        DataPoint[] data = ctx.callActivity(COLLECT, request, DataPoint[].class).await();
        work(ctx, stageTime);

        ctx.setCustomStatus(new ReportProgress("summarizing", 40, data.length));
        ReportResult.ReportSummary summary = ctx.callActivity(SUMMARIZE, data, ReportResult.ReportSummary.class).await();
        work(ctx, stageTime);

        ctx.setCustomStatus(new ReportProgress("rendering", 80, data.length));
        ReportResult result = ctx.callActivity(RENDER, new RenderInput(ctx.getInstanceId(), request, summary, data),
                ReportResult.class).await();

        ctx.setCustomStatus(new ReportProgress("done", 100, data.length));
        ctx.complete(result);
    }

    private static void work(TaskOrchestrationContext ctx, Duration stageTime) {
        if (!stageTime.isZero()) {
            ctx.createTimer(stageTime).await();
        }
    }

    /** One figure per month of the range; made up, but the same for the same report type and month. */
    static DataPoint[] collect(ReportRequest request) {
        List<DataPoint> points = new ArrayList<>();
        YearMonth end = YearMonth.from(LocalDate.parse(request.endDate()));
        for (YearMonth m = YearMonth.from(LocalDate.parse(request.startDate())); !m.isAfter(end); m = m.plusMonths(1)) {
            CRC32 crc = new CRC32();
            crc.update((request.reportType() + "|" + m).getBytes(StandardCharsets.UTF_8));
            points.add(new DataPoint(m.toString(), 1000 + crc.getValue() % 9000));
        }
        return points.toArray(DataPoint[]::new);
    }

    static ReportResult.ReportSummary summarize(DataPoint[] data) {
        long total = Arrays.stream(data).mapToLong(DataPoint::amount).sum();
        String best = Arrays.stream(data).max(Comparator.comparingLong(DataPoint::amount))
                .map(DataPoint::period).orElse(null);
        return new ReportResult.ReportSummary(data.length, total, data.length == 0 ? 0 : total / data.length, best);
    }

    static ReportResult render(RenderInput input) {
        List<String> rows = new ArrayList<>();
        rows.add("period,amount");
        for (DataPoint p : input.data()) {
            rows.add(p.period() + "," + p.amount());
        }
        ReportRequest r = input.request();
        return new ReportResult(input.reportId(), r.reportType(), r.startDate(), r.endDate(), input.summary(), rows);
    }
}
