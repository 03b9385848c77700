package io.sluice.web;

import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard driven in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * or {@code CHROMIUM_BINARY} and {@code CHROMEDRIVER}; skipped when missing, failing under {@code CI=true})
 * against a {@code serve} process of the packaged jar on the default embedded database: a job definition
 * launched with its button is watched to completion on its page, and a failed one is restarted by clicking,
 * each confirmation accepted.
 */
class DashboardBrowserIT {

    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void a_job_is_launched_watched_to_completion_and_a_failed_one_restarted_by_clicking() throws Exception {
        // given two definitions: a CSV copy, and a copy from a PostgreSQL table that fails while `ok` is empty
        TestDatabase database = TestDatabase.hsqldb();
        GatedSource source = GatedSource.create(1000);
        String url = source.url;
        WebDriver browser = null;
        try {
            String id = new Sluice(database).run("db", "add", "source", "--provider", "postgresql", "--url", url).out().strip();
            Path csv = Files.writeString(temp.resolve("in.csv"), "a,b\n1,2\n3,4\n");
            Path jobs = Files.createDirectories(temp.resolve("jobs"));
            Files.writeString(jobs.resolve("copy.yml"), "name: copy\nfamily: workflow\nparameters:\n  file: "
                    + workflow("copy", "{\"source_path\": \"" + csv + "\"}") + "\n");
            Files.writeString(jobs.resolve("gated.yml"), "name: gated\nfamily: workflow\nparameters:\n  file: " + workflow("gated",
                    "{\"source_type\": \"database\", \"database_id\": \"" + id + "\", \"query\": \"SELECT id, gate() AS g FROM t ORDER BY id\"}") + "\n");
            try (ServeProcess serve = ServeProcess.start(database, jobs, temp.resolve("serve.log"), Map.of())) {
                browser = chromium();
                WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
                browser.get(serve.url);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-definition='gated']")));

                // when copy is run with its button, the confirmation accepted
                clickAndConfirm(browser, wait, By.cssSelector("tr[data-definition='copy'] button.start"));

                // then its execution's page shows it running or done, and then COMPLETED without a reload
                wait.until(ExpectedConditions.urlMatches("/executions/\\d+$"));
                wait.until(ExpectedConditions.textToBe(By.id("status"), "COMPLETED"));
                assertThat(browser.findElement(By.id("steps")).getText()).contains("workflow.s+o");
                assertThat(browser.findElement(By.id("parameters")).getText()).contains("copy.json");
                assertThat(browser.findElements(By.cssSelector("#graph g[data-node]"))).extracting(node -> node.getAttribute("data-status"))
                        .containsExactly("COMPLETED", "COMPLETED");

                // when gated is run and fails
                browser.get(serve.url);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-definition='gated']")));
                clickAndConfirm(browser, wait, By.cssSelector("tr[data-definition='gated'] button.start"));
                wait.until(ExpectedConditions.urlMatches("/executions/\\d+$"));
                wait.until(ExpectedConditions.textToBe(By.id("status"), "FAILED"));
                String failedUrl = browser.getCurrentUrl();
                String failed = failedUrl.substring(failedUrl.lastIndexOf('/') + 1);
                assertThat(browser.findElement(By.id("steps")).getText()).contains("the gate is closed");
                assertThat(browser.findElement(By.cssSelector("#graph g[data-node='s']")).getAttribute("data-status")).isEqualTo("FAILED");

                // and, the gate open, is restarted with the Restart button
                source.open();
                clickAndConfirm(browser, wait, By.id("restart"));

                // then the page of the new execution shows it COMPLETED, as the restart of the failed one
                wait.until(ExpectedConditions.not(ExpectedConditions.urlToBe(failedUrl)));
                wait.until(ExpectedConditions.textToBe(By.id("status"), "COMPLETED"));
                assertThat(browser.findElement(By.id("flash-message")).getText()).contains("execution " + failed + " restarted as execution");
                assertThat(browser.findElement(By.cssSelector("dl.summary")).getText()).contains("Restart of\n" + failed);

                // and the execution list filters the failed one, and the job list shows the definitions' last status
                browser.get(serve.url + "executions?status=FAILED");
                assertThat(browser.findElements(By.cssSelector("#execution-list a[data-execution]"))).extracting(WebElement::getText)
                        .containsExactly(failed);
                browser.get(serve.url);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-definition='gated']"), "COMPLETED"));
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            source.close();
        }
    }

    private static void clickAndConfirm(WebDriver browser, WebDriverWait wait, By button) {
        wait.until(ExpectedConditions.elementToBeClickable(button)).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
    }

    /** Headless Chromium through its driver, both given explicitly so that Selenium downloads nothing. */
    private static WebDriver chromium() {
        Path binary = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
        Path driver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(binary) && Files.isExecutable(driver);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Chromium or its driver is missing (" + binary + ", " + driver + "): .ci/run installs chromium and chromium-driver");
        }
        Assumptions.assumeTrue(present, "Chromium or chromedriver is not installed");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private Path workflow(String name, String source) throws Exception {
        return Files.writeString(temp.resolve(name + ".json"), """
                {"name": "%s", "nodes": [{"id": "s", "type": "data_source", "data": %s},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(name, source, temp.resolve(name + ".csv")));
    }
}
