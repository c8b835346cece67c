package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.kafka.SharedKafka;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; CI installs
 * them) against a real cluster, through a gateway that needs a system key and serves a second, empty hub. Every wait
 * is on a condition with a deadline. With {@code -Ddk.screenshots=docs/dashboard} (relative to the repository root)
 * each page is saved as a PNG there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {

    private static final String KEY = "dash-key-1";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Instance IDs and data a page must show as text, never run. */
    private static final String EVIL_ID = "<img src=x onerror=window.__xss=1>&amp;";
    private static final String EVIL_INPUT = "\"<script>window.__xss=2</script>\"";
    private static final String EVIL_EVENT = "\"<img src=x onerror=window.__xss=3>\"";

    private TestCluster cluster;
    private Gateway gateway;
    private String otherHub;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void start() {
        File chromium = executable("chromium", "dk.chromium");
        File chromedriver = executable("chromedriver", "dk.chromedriver");
        cluster = new TestCluster("Dashboard", TestFunctions.registry());
        otherHub = cluster.hub + "b";
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            new TopicProvisioner(admin, 1, (short) 1).ensureHub(new TopicNames(otherHub), Set.of("default"));
        }
        gateway = cluster.startGateway(o -> o.withKnownOrchestrations(cluster.registry.orchestrationNames())
                .withKnownEntities(cluster.registry.entityNames()).withSystemKey(KEY)
                .withTaskHubs(List.of(cluster.hub, otherHub)));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT);
        // Live pages re-render rows as events arrive: an element found a moment ago may be replaced.
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** The system browser, or a failure that says how to get it: this test must not pass by skipping. */
    private static File executable(String name, String property) {
        String configured = System.getProperty(property);
        if (configured != null) {
            File f = new File(configured);
            return f.canExecute() ? f : fail("-D" + property + "=" + configured + " is not an executable file.");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f;
            }
        }
        return fail(name + " is not installed: the dashboard tests drive the system Chromium. Install it with "
                + "`apt-get install -y chromium chromium-driver` (.ci/run does), or point -D" + property + " at it.");
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void asksForTheKeyThenStartsAnOrchestrationAndShowsItsTimeline() {
        driver.get(gateway.baseUrl() + "/");
        wait.until(ExpectedConditions.urlToBe(gateway.baseUrl() + "/dashboard/"));
        // No key yet: the page says what is missing.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("banner"), "system key"));
        useKey();

        driver.get(gateway.baseUrl() + "/dashboard/#/start");
        new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("start-name"))))
                .selectByVisibleText("HelloCities");
        driver.findElement(By.id("start-id")).sendKeys("dash-hello-1");
        screenshot("start");
        driver.findElement(By.id("start-submit")).click();

        wait.until(ExpectedConditions.textToBe(By.id("instance-id"), "dash-hello-1"));
        // The instance's event stream brings it to Completed without a reload.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".instance-header .status"),
                "Completed"));
        wait.until(d -> d.findElements(By.cssSelector("#timeline .tl-row[data-kind=activity]")).size() == 3);
        assertTrue(driver.findElement(By.id("output")).getText().contains("Hello Tokyo!"));
        assertEquals(1, driver.findElements(By.cssSelector("#history tr[data-event-type=ExecutionCompleted]")).size());
        screenshot("instance");
    }

    @Test
    @Order(2)
    void theListUpdatesLiveAndAnActionRunsAfterConfirmation() {
        String done = "dash-approval-done";
        String waiting = "dash-approval-wait";
        startApproval(done);
        startApproval(waiting);
        open("#/instances");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        // Listed as Pending or Running; the stream brings it to Running.
        wait.until(d -> "Running".equals(d.findElement(row(done)).getDomAttribute("data-status")));

        // Ended outside the page: the hub's event stream updates the row in place.
        assertEquals(202, cluster.send(key(HttpRequest.newBuilder(api("/instances/" + done + "/raiseEvent/ApprovalEvent"))
                .POST(HttpRequest.BodyPublishers.ofString("true")).header("Content-Type", "application/json"))).statusCode());
        wait.until(d -> "Completed".equals(d.findElement(row(done)).getDomAttribute("data-status")));
        // The counts follow: dash-hello-1 and this one Completed, the other Running.
        wait.until(d -> count(d, "Completed").equals("2") && count(d, "Running").equals("1"));
        wait.until(d -> "Running".equals(d.findElement(row(waiting)).getDomAttribute("data-status")));
        screenshot("instances");

        driver.findElement(row(waiting)).findElement(By.cssSelector("a.instance-link")).click();
        wait.until(ExpectedConditions.textToBe(By.id("instance-id"), waiting));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-terminate"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        inDialog(By.name("reason")).sendKeys("no longer needed");
        screenshot("confirm");
        driver.findElement(By.id("dialog-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".instance-header .status"),
                "Terminated"));
        assertTrue(driver.findElement(By.id("output")).getText().contains("no longer needed"));

        // Purge, confirmed: back to the list, and the instance is gone.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-purge"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        driver.findElement(By.id("dialog-confirm")).click();
        wait.until(ExpectedConditions.urlContains("#/instances"));
        assertEquals(404, cluster.send(key(HttpRequest.newBuilder(api("/instances/" + waiting)).GET())).statusCode());
    }

    @Test
    @Order(3)
    void showsUserDataAsTextNeverAsMarkup() {
        open("#/start");
        new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("start-name"))))
                .selectByVisibleText("AwaitEvent");
        driver.findElement(By.id("start-input")).sendKeys(EVIL_INPUT);
        driver.findElement(By.id("start-id")).sendKeys(EVIL_ID);
        driver.findElement(By.id("start-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("instance-id"), EVIL_ID));
        assertTrue(driver.findElement(By.id("input")).getText().contains("<script>window.__xss=2</script>"));

        // Raise the event from the page: AwaitEvent outputs its data.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-raise-event"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        inDialog(By.name("event")).sendKeys("Continue");
        inDialog(By.name("data")).sendKeys(EVIL_EVENT);
        driver.findElement(By.id("dialog-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".instance-header .status"),
                "Completed"));
        assertTrue(driver.findElement(By.id("output")).getText().contains("<img src=x onerror=window.__xss=3>"));

        open("#/instances");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#instances a.instance-link")));
        wait.until(d -> d.findElements(By.cssSelector("#instances a.instance-link")).stream()
                .anyMatch(a -> a.getText().equals(EVIL_ID)));
        assertEquals(0, driver.findElements(By.cssSelector("main img, main script")).size(), "user data became markup");
        assertNull(((JavascriptExecutor) driver).executeScript("return window.__xss;"), "user data ran as script");
    }

    @Test
    @Order(4)
    void entitiesAreListedSignalledAndDeleted() {
        open("#/entities");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("signal-new"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        inDialog(By.name("name")).sendKeys("Counter");
        inDialog(By.name("key")).sendKeys("dash<b>");
        inDialog(By.name("op")).sendKeys("add");
        inDialog(By.name("input")).sendKeys("5");
        driver.findElement(By.id("dialog-confirm")).click();
        By counter = By.cssSelector("#entities tr[data-entity='@counter@dash<b>']");
        wait.until(d -> !d.findElements(counter).isEmpty()
                && d.findElement(counter).findElement(By.cssSelector("pre.state")).getText().equals("5"));
        screenshot("entities");

        // The list reloads a few times after a signal: click whichever row is there (a stale one is retried).
        wait.until(d -> {
            d.findElement(counter).findElement(By.cssSelector("button.delete")).click();
            return true;
        });
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        driver.findElement(By.id("dialog-confirm")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(counter, 0));
    }

    @Test
    @Order(5)
    void theHubSwitcherShowsTheOtherHub() {
        open("#/instances");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#instances a.instance-link")));
        new Select(driver.findElement(By.id("hub"))).selectByVisibleText(otherHub);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("instances"), "No instances on this page."));
        new Select(driver.findElement(By.id("hub"))).selectByVisibleText(cluster.hub);
        wait.until(ExpectedConditions.presenceOfElementLocated(row("dash-hello-1")));
    }

    @Test
    @Order(6)
    void aParentLinksToItsChildAndBack() {
        assertEquals(202, cluster.send(key(HttpRequest.newBuilder(api("/orchestrators/Parent/dash-parent-1"))
                .POST(HttpRequest.BodyPublishers.noBody()))).statusCode());
        open("#/instance/dash-parent-1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".instance-header .status"),
                "Completed"));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#timeline a.child-link"))).click();
        wait.until(d -> d.findElement(By.id("instance-id")).getText().startsWith("dash-parent-1:"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".instance-header .status"),
                "Completed"));
        wait.until(d -> d.findElements(By.cssSelector("#timeline .tl-row[data-kind=activity]")).size() == 3);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.parent-link"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("instance-id"), "dash-parent-1"));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void useKey() {
        WebElement key = driver.findElement(By.id("key"));
        key.clear();
        key.sendKeys(KEY);
        driver.findElement(By.cssSelector("#key-form button")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
    }

    private static String count(WebDriver d, String status) {
        return d.findElement(By.cssSelector("#counts [data-status=" + status + "] .n")).getText();
    }

    private WebElement inDialog(By by) {
        return driver.findElement(By.id("dialog")).findElement(by);
    }

    private void open(String hash) {
        driver.get(gateway.baseUrl() + "/dashboard/" + hash);
    }

    private static By row(String instanceId) {
        return By.cssSelector("#instances tr[data-instance-id='" + instanceId + "']");
    }

    private URI api(String path) {
        return URI.create(gateway.baseUrl() + "/runtime/webhooks/durabletask" + path + "?taskHub="
                + URLEncoder.encode(cluster.hub, StandardCharsets.UTF_8));
    }

    private static HttpRequest key(HttpRequest.Builder b) {
        return b.header("x-functions-key", KEY).build();
    }

    private void startApproval(String id) {
        assertEquals(202, cluster.send(key(HttpRequest.newBuilder(api("/orchestrators/Approval/" + id))
                .POST(HttpRequest.BodyPublishers.ofString("{\"timeoutSeconds\": 300}"))
                .header("Content-Type", "application/json"))).statusCode());
    }

    /** Saves the page as {@code <dk.screenshots>/<name>.png} when that property is set. */
    private void screenshot(String name) {
        String dir = System.getProperty("dk.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path target = Path.of(dir);
        if (!target.isAbsolute()) {
            target = repositoryRoot().resolve(target);
        }
        try {
            Files.createDirectories(target);
            Files.write(target.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Maven runs the tests in the module's directory; relative screenshot paths mean the repository's root. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return dir;
    }
}
