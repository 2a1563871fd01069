package pro.codai.it;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/** A real SMTP server on loopback that keeps every mail Keycloak sends, for the tests to read. */
final class MailCapture implements AutoCloseable {

    private final GreenMail server;
    final int port;

    private MailCapture(GreenMail server, int port) {
        this.server = server;
        this.port = port;
    }

    static MailCapture start() {
        int port = FreePorts.next();
        GreenMail server =
                new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return new MailCapture(server, port);
    }

    /** The newest mail to this address, waiting for it up to {@code timeout}. */
    MimeMessage awaitMailTo(String address, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> matching =
                    Arrays.stream(server.getReceivedMessages())
                            .filter(message -> sentTo(message, address))
                            .toList();
            if (!matching.isEmpty()) {
                return matching.get(matching.size() - 1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail to " + address + " within " + timeout);
    }

    /** The first link in the mail whose address contains {@code fragment}. */
    static String linkIn(MimeMessage message, String fragment) {
        String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
        Matcher links = Pattern.compile("https?://[^\\s\"<>]+").matcher(body);
        while (links.find()) {
            String link = links.group().replace("&amp;", "&");
            if (link.contains(fragment)) {
                return link;
            }
        }
        throw new AssertionError("no link with '" + fragment + "' in:\n" + body);
    }

    private static boolean sentTo(MimeMessage message, String address) {
        try {
            return Arrays.stream(message.getAllRecipients())
                    .anyMatch(recipient -> recipient.toString().equalsIgnoreCase(address));
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
