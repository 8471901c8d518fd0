package dev.onsale.testing;

import dev.onsale.localstack.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebDriver;

/**
 * A test that drives headless Chromium against the embedded stack's gateway: a browser of its own per test, at
 * desktop size, closed after it; skipped where Chromium is not installed ({@link HeadlessChromium}).
 */
@ExtendWith(EmbeddedStack.class)
public abstract class BrowserTest {
    public static final int DESKTOP_WIDTH = 1280;
    public static final int DESKTOP_HEIGHT = 900;
    public static final int PHONE_WIDTH = 390;
    public static final int PHONE_HEIGHT = 844;

    protected final LocalStack stack;
    protected final Gateway api;
    protected HeadlessChromium chromium;
    protected WebDriver browser;

    protected BrowserTest(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    @BeforeEach
    void startBrowser() {
        chromium = HeadlessChromium.start();
        browser = chromium.browser();
        chromium.windowSize(DESKTOP_WIDTH, DESKTOP_HEIGHT);
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** What the browser shows, saved at desktop and at phone width ({@code NAME-desktop.png}, {@code NAME-phone.png}). */
    protected void screenshots(String name) {
        chromium.screenshot(name + "-desktop");
        chromium.windowSize(PHONE_WIDTH, PHONE_HEIGHT);
        chromium.screenshot(name + "-phone");
        chromium.windowSize(DESKTOP_WIDTH, DESKTOP_HEIGHT);
    }
}
