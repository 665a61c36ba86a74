package dev.dynamini.console;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium driven through its chromedriver, both found on this machine (Debian's
 * {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them). Both paths are given
 * to Selenium, so its Selenium Manager never tries to download a browser or a driver: there is no
 * internet here. Without a browser the tests skip, except under CI (CI=true), where they fail.
 */
final class HeadlessChrome {
    /** Selenium logs through java.util.logging (e.g. "no CDP for this Chrome version"): kept quiet. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    private HeadlessChrome() {
    }

    static ChromeDriver start(int width, int height) {
        Optional<Path> browser = first(System.getProperty("console.chrome"), System.getenv("CHROME_BIN"),
                "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Optional<Path> driver = first(System.getProperty("webdriver.chrome.driver"), System.getenv("CHROMEDRIVER"),
                "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (browser.isEmpty() || driver.isEmpty()) {
            String missing = (browser.isEmpty() ? "chromium " : "") + (driver.isEmpty() ? "chromedriver" : "");
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true but " + missing.trim() + " is missing: .ci/run installs chromium and chromium-driver");
            }
            Assumptions.abort("no " + missing.trim() + " on this machine (apt-get install chromium chromium-driver)");
        }
        SELENIUM_LOG.setLevel(Level.SEVERE);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start;
        // --disable-dev-shm-usage: a small /dev/shm in containers crashes tabs
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height);
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> first(String... candidates) {
        List<Path> paths = new ArrayList<>();
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                paths.add(Path.of(candidate));
            }
        }
        return paths.stream().filter(Files::isExecutable).findFirst();
    }
}
