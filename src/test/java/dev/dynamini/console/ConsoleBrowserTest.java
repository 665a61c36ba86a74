package dev.dynamini.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium, one for the class) against the real server:
 * sign-in, browsing with pages and filters, the timeline, a diff, a restore, a 412 conflict,
 * delete and undelete, and a read-only key. Data is written through the API, as another client
 * would. With -Dconsole.screenshots=DIR the views are saved as PNGs there (docs/console holds them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends ServerPerClass {
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static Path screenshots;

    @BeforeAll
    static void openBrowser() throws IOException {
        browser = HeadlessChrome.start(1280, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(20));
        String dir = System.getProperty("console.screenshots");
        if (dir != null && !dir.isBlank()) {
            screenshots = Files.createDirectories(Path.of(dir));
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void signInBrowseUsersCollectionsAndEntriesPageByPage() {
        String groceries = collection("ann", "groceries");
        collection("ann", "books");
        collection("bob", "travel");
        String deleted = null;
        for (int i = 1; i <= 55; i++) {
            String id = entry("ann", groceries, String.format("{\"name\":\"item %02d\",\"value\":{\"n\":%d}}", i, i));
            deleted = i == 2 ? id : deleted;
        }
        assertEquals(200, api.delete(entriesOf("ann", groceries) + "/" + deleted).status());

        signIn(TestServer.KEY_A);
        assertEquals("app-a · read-write key", text("#who"));
        assertEquals(TestServer.KEY_A, script("return sessionStorage.getItem('dynamini.apiKey')"));
        assertEquals(0L, script("return localStorage.length"), "never localStorage");
        assertEquals("", script("return document.cookie"), "never a cookie");

        assertTrue(listButtons().containsAll(List.of("ann", "bob")), listButtons().toString());
        click(listButton("ann"));
        assertEquals("Collections of ann", text("#list-title"));
        assertEquals(List.of("groceries", "books"), listButtons());
        click(listButton("groceries"));

        // 54 live entries: the default page size of 50, then a next page of 4
        List<String> first = listButtons();
        assertEquals(50, first.size());
        assertEquals("item 01", first.get(0));
        assertFalse(first.contains("item 02"), "a deleted entry is left out with the latest filter");
        assertEquals("page 1", text("#page-number"));
        screenshot("browse");
        click(browser.findElement(By.id("next-page")));
        assertEquals(List.of("item 52", "item 53", "item 54", "item 55"), listButtons());
        assertEquals("page 2", text("#page-number"));
        assertFalse(browser.findElement(By.id("next-page")).isEnabled(), "no page after the last");
        click(browser.findElement(By.id("prev-page")));
        assertEquals(first, listButtons());

        new Select(browser.findElement(By.id("filter"))).selectByValue("current");
        settle();
        WebElement row = browser.findElement(By.cssSelector("#list tr[data-entry='" + deleted + "']"));
        assertEquals("deleted", row.findElement(By.cssSelector(".badge")).getText());
        new Select(browser.findElement(By.id("page-size"))).selectByVisibleText("10");
        settle();
        assertEquals(10, listButtons().size());
        assertTrue(browser.findElement(By.id("next-page")).isEnabled());

        // a list of any size is read a page at a time: no list request without a limit
        @SuppressWarnings("unchecked")
        List<String> lists = (List<String>) script("return performance.getEntriesByType('resource')"
                + ".map(e => e.name).filter(u => u.includes('/api/') && !u.endsWith('/api/whoami'))");
        assertTrue(lists.size() >= 6, lists.toString());
        assertTrue(lists.stream().allMatch(u -> u.contains("limit=")), lists.toString());

        click(browser.findElement(By.id("sign-out")));
        assertTrue(browser.findElement(By.id("key")).isDisplayed(), "back to the sign-in form");
        assertFalse(browser.findElement(By.id("console")).isDisplayed());
        assertNull(script("return sessionStorage.getItem('dynamini.apiKey')"), "signing out forgets the key");
    }

    @Test
    @Order(2)
    void dataIsShownAsTextNeverAsHtml() {
        String c = collection("mallory", "tricks");
        String name = "<img src=x onerror=\"window.pwned=1\">";
        entry("mallory", c, "{\"name\":\"" + name.replace("\"", "\\\"") + "\",\"value\":{\"html\":\"<script>window.pwned=2</script>\"}}");
        signIn(TestServer.KEY_A);
        click(listButton("mallory"));
        click(listButton("tricks"));
        assertEquals(List.of(name), listButtons());
        click(listButton(name));
        assertTrue(browser.findElements(By.cssSelector("#list img, #detail-pane img, #diff script")).isEmpty());
        assertNull(script("return window.pwned === undefined ? null : window.pwned"));
        assertTrue(text("#diff").contains("<script>window.pwned=2</script>"), text("#diff"));
    }

    @Test
    @Order(3)
    void aRefusedKeyIsSaidReadably() {
        signIn("not-a-key-of-this-server");
        assertTrue(text("#message").contains("a valid x-api-key header is required"), text("#message"));
        assertTrue(browser.findElement(By.id("key")).isDisplayed());
        assertNull(script("return sessionStorage.getItem('dynamini.apiKey')"));
    }

    @Test
    @Order(4)
    void timelineDiffBetweenTwoVersionsAndRestore() {
        String c = collection("tim", "recipes");
        String v1 = "{\"eggs\":2,\"flour\":\"200g\",\"milk\":\"300ml\",\"sugar\":1.10,\"steps\":[\"mix\",\"rest\",\"fry\"]}";
        String path = entriesOf("tim", c) + "/" + entry("tim", c, "{\"name\":\"pancakes\",\"value\":" + v1 + "}");
        api.put(path, "{\"value\":{\"eggs\":3,\"flour\":\"200g\",\"milk\":\"250ml\",\"sugar\":1.10,\"steps\":[\"mix\",\"rest\",\"fry\"]}}");
        api.put(path, "{\"value\":{\"eggs\":3,\"flour\":\"200g\",\"milk\":\"250ml\",\"salt\":\"a pinch\",\"sugar\":1.10,"
                + "\"steps\":[\"mix\",\"rest\",\"fry\",\"serve\"]}}");

        signIn(TestServer.KEY_A);
        openEntry("tim", "recipes", "pancakes");
        assertEquals(List.of("3", "2", "1"), timelineVersions());
        for (WebElement time : browser.findElements(By.cssSelector("#timeline tbody time"))) {
            assertTrue(time.getAttribute("datetime").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), time.getAttribute("datetime"));
        }
        screenshot("timeline");

        click(browser.findElement(By.cssSelector("#timeline input[name='diff-a'][value='1']")));
        assertEquals("Compare A: v1 with B: v3", text("#diff-title"));
        List<String> removed = texts("#diff td.code.del");
        List<String> added = texts("#diff td.code.add");
        assertTrue(removed.contains("    \"eggs\": 2,") && removed.contains("    \"milk\": \"300ml\","), removed.toString());
        assertTrue(added.contains("    \"eggs\": 3,") && added.contains("    \"salt\": \"a pinch\",")
                && added.contains("      \"serve\""), added.toString());
        List<String> unchanged = texts("#diff tr.same td.code");
        assertTrue(unchanged.contains("    \"flour\": \"200g\","), "unchanged lines are not highlighted: " + unchanged);
        assertTrue(unchanged.contains("    \"sugar\": 1.10,"), "numbers as stored, not as JavaScript reads them: " + unchanged);
        browser.executeScript("document.getElementById('diff-title').scrollIntoView()");
        screenshot("diff");

        click(browser.findElement(By.cssSelector("#timeline tr[data-version='1'] button.restore")));
        assertEquals("Restored version 1 as version 4.", text("#message"));
        assertEquals(List.of("4", "3", "2", "1"), timelineVersions());
        Response latest = api.get(path);
        assertEquals("\"4\"", latest.header("ETag"));
        assertTrue(latest.body().contains("\"value\":" + v1 + "}"), "version 1's value, byte for byte: " + latest.body());
    }

    @Test
    @Order(5)
    void aRestoreOfAStalePageIsAConflictAndWritesNothing() {
        String c = collection("tim", "drafts");
        String path = entriesOf("tim", c) + "/" + entry("tim", c, "{\"name\":\"letter\",\"value\":{\"text\":\"Dear Ann\"}}");
        api.put(path, "{\"value\":{\"text\":\"Dear Ann, thanks\"}}");

        signIn(TestServer.KEY_A);
        openEntry("tim", "drafts", "letter");
        assertEquals(List.of("2", "1"), timelineVersions());
        // another client changes the entry behind the page's back
        assertEquals(200, api.put(path, "{\"value\":{\"text\":\"Dear Ann, thanks a lot\"}}").status());

        click(browser.findElement(By.cssSelector("#timeline tr[data-version='1'] button.restore")));
        WebElement message = browser.findElement(By.id("message"));
        assertTrue(message.getAttribute("class").contains("conflict"), message.getAttribute("class"));
        assertTrue(message.getText().contains("changed since you loaded it (it is at version 3 now; this page had version 2): reload"),
                message.getText());
        screenshot("conflict");
        assertEquals("\"3\"", api.get(path).header("ETag"), "nothing was written");

        click(message.findElement(By.tagName("button")));
        assertEquals(List.of("3", "2", "1"), timelineVersions());
        assertFalse(message.isDisplayed(), "reloading clears the conflict");
    }

    @Test
    @Order(6)
    void deleteAndUndeleteFromThePage() {
        String c = collection("tim", "lists");
        String path = entriesOf("tim", c) + "/" + entry("tim", c, "{\"name\":\"todo\",\"value\":[\"call\"]}");
        signIn(TestServer.KEY_A);
        openEntry("tim", "lists", "todo");

        click(browser.findElement(By.id("delete")));
        assertTrue(text("#detail-status").startsWith("deleted"), text("#detail-status"));
        assertEquals(404, api.get(path).status(), "gone for the latest filter");
        assertTrue(api.get(path + "?filter=current").json().get(0).path("meta").has("deletedAt"));

        click(browser.findElement(By.id("undelete")));
        assertEquals("Undeleted as version 3.", text("#message"));
        JsonNode back = api.get(path).json().get(0);
        assertEquals(3, back.path("meta").path("version").asInt());
        assertEquals("[\"call\"]", back.path("value").toString());
        assertTrue(browser.findElements(By.id("undelete")).isEmpty());
    }

    @Test
    @Order(7)
    void aReadOnlyKeySeesNoWriteButtons() {
        String c = collection("rita", "archive");
        String path = entriesOf("rita", c) + "/" + entry("rita", c, "{\"name\":\"old\",\"value\":{\"v\":1}}");
        api.put(path, "{\"value\":{\"v\":2}}");
        api.delete(path);

        signIn(TestServer.KEY_A_READ);
        assertEquals("app-a · read-only key", text("#who"));
        click(listButton("rita"));
        click(listButton("archive"));
        new Select(browser.findElement(By.id("filter"))).selectByValue("current");
        settle();
        click(listButton("old"));
        assertEquals(List.of("3", "2", "1"), timelineVersions());
        click(browser.findElement(By.cssSelector("#timeline input[name='diff-a'][value='1']")));
        assertEquals(List.of("    \"v\": 2"), texts("#diff td.code.add"), "history and diffs are reads: they stay");
        assertTrue(browser.findElements(By.cssSelector("[data-write], button.restore, #delete, #undelete")).isEmpty(),
                "no write buttons for a read-only key");
        assertTrue(browser.findElements(By.xpath("//button[normalize-space()='Restore' or normalize-space()='Undelete']")).isEmpty());
    }

    // ---- data, written as another client would ----

    private static String collection(String user, String name) {
        Response r = api.post("/api/user/" + user + "/collection", "{\"name\":\"" + name + "\"}");
        assertTrue(r.status() == 201 || r.status() == 200, r.toString());
        return r.json().path("meta").path("collection").asText();
    }

    private static String entriesOf(String user, String collection) {
        return "/api/user/" + user + "/collection/" + collection + "/entry";
    }

    private static String entry(String user, String collection, String json) {
        Response r = api.post(entriesOf(user, collection), json);
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path("entry").asText();
    }

    // ---- driving the page ----

    /** A fresh page in a fresh session, signed in with {@code key}. */
    private static void signIn(String key) {
        browser.get(server.baseUrl() + "/console");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        settle();
        browser.findElement(By.id("key")).sendKeys(key);
        click(browser.findElement(By.cssSelector("#sign-in-form button[type=submit]")));
    }

    private static void openEntry(String user, String collection, String entry) {
        click(listButton(user));
        click(listButton(collection));
        click(listButton(entry));
        wait.until(d -> d.findElement(By.id("detail-pane")).isDisplayed());
    }

    private static void click(WebElement element) {
        element.click();
        settle();
    }

    /** The page has loaded and no request of it is in flight (it counts them in body[data-busy]). */
    private static void settle() {
        wait.until(d -> {
            WebElement body = d.findElement(By.tagName("body"));
            return "true".equals(body.getAttribute("data-ready")) && "0".equals(body.getAttribute("data-busy"));
        });
    }

    private static WebElement listButton(String label) {
        return browser.findElements(By.cssSelector("#list tbody button.link")).stream()
                .filter(b -> b.getText().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in the list: " + listButtons()));
    }

    private static List<String> listButtons() {
        return texts("#list tbody button.link");
    }

    private static List<String> timelineVersions() {
        return browser.findElements(By.cssSelector("#timeline tbody tr")).stream().map(r -> r.getAttribute("data-version")).toList();
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Texts as the DOM holds them (leading spaces kept: getText() would trim the diff's indentation). */
    private static List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(e -> e.getDomProperty("textContent")).toList();
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void screenshot(String name) {
        if (screenshots == null) {
            return;
        }
        try {
            Files.write(screenshots.resolve("console-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
