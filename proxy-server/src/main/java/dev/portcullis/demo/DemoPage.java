package dev.portcullis.demo;

import java.nio.charset.StandardCharsets;

/** The HTML home page of a demo backend: which backend answered, and what else to try. */
final class DemoPage {

    private DemoPage() {}

    /**
     * Renders the page for one backend. The name needs no escaping: {@link DemoBackend} only
     * accepts letters, digits, dots, dashes and underscores.
     */
    static byte[] render(String backend) {
        String title = "Portcullis demo backend " + backend;
        String page =
                "<!doctype html>\n"
                        + "<html lang=\"en\">\n"
                        + "<head><meta charset=\"utf-8\"><title>"
                        + title
                        + "</title></head>\n"
                        + "<body>\n"
                        + "<h1>"
                        + title
                        + "</h1>\n"
                        + "<p>This page came from <strong>"
                        + backend
                        + "</strong>. Reload it through the proxy to see the balancer take"
                        + " turns.</p>\n"
                        + "<ul>\n"
                        + "<li><a href=\"/echo?hello=world\">/echo?hello=world</a>: the request"
                        + " as it reached this backend, as JSON</li>\n"
                        + "<li><a href=\"/status/418\">/status/418</a>: any status from 200 to"
                        + " 599</li>\n"
                        + "<li><a href=\"/bytes/1048576\">/bytes/1048576</a>: that many bytes"
                        + "</li>\n"
                        + "<li><a href=\"/slow/500\">/slow/500</a>: an answer after 500 ms</li>\n"
                        + "<li><code>/ws</code>: a WebSocket that echoes every message</li>\n"
                        + "</ul>\n"
                        + "</body>\n"
                        + "</html>\n";
        return page.getBytes(StandardCharsets.UTF_8);
    }
}
