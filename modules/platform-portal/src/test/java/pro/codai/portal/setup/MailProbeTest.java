package pro.codai.portal.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mail probe against a small SMTP relay on loopback that offers STARTTLS with a certificate a
 * campus CA made here (keytool) issued: trusted only when that CA is given.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailProbeTest {

    @TempDir static Path dir;
    CampusCaFiles files;
    Relay relay;

    @BeforeAll
    void start() throws Exception {
        files = new CampusCaFiles(dir);
        relay = new Relay(files.serverContext());
    }

    @AfterAll
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aRelayTheCampusCaIssuedIsTrustedOverStartTlsWithThatCa() {
        String checked = new MailProbe().check(mail(), files.campusCa);
        String sent = new MailProbe().send(mail(), "ada@uni.example", "Campus IDE", files.campusCa);

        assertThat(checked).isNull();
        assertThat(sent).isNull();
        assertThat(relay.mails)
                .anySatisfy(
                        mail ->
                                assertThat(mail)
                                        .contains("Campus IDE: test mail from the setup wizard"));
    }

    @Test
    void withoutTheCampusCaOrWithAnotherTheRelayIsRefusedAndTheMessageAsksForTheCa() {
        for (String ca : new String[] {null, files.otherCa}) {
            String checked = new MailProbe().check(mail(), ca);
            String sent = new MailProbe().send(mail(), "ada@uni.example", "Campus IDE", ca);

            for (String message : new String[] {checked, sent}) {
                assertThat(message)
                        .startsWith("The mail relay localhost:" + relay.port())
                        .contains(
                                "certificate that is not trusted",
                                "Upload the campus CA that issued it in step 2");
            }
        }
    }

    @Test
    void aCampusCaThatIsNoCertificateIsSaidSo() {
        String checked =
                new MailProbe()
                        .check(
                                mail(),
                                "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                        + "-----END CERTIFICATE-----\n");

        assertThat(checked).isEqualTo("The campus CA file holds no certificate.");
    }

    private MailSettings mail() {
        return new MailSettings(
                "localhost", relay.port(), true, "", "", "ide@uni.example", "Campus IDE");
    }

    /**
     * Just enough SMTP (EHLO, STARTTLS, MAIL, RCPT, DATA, QUIT) to take a mail; each connection on
     * its own thread. Keeps the messages it took.
     */
    static final class Relay implements AutoCloseable {

        final List<String> mails = new CopyOnWriteArrayList<>();
        private final SSLContext tls;
        private final ServerSocket server;

        Relay(SSLContext tls) throws IOException {
            this.tls = tls;
            server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
            Thread accept = new Thread(this::accept, "smtp-relay");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread session = new Thread(() -> serve(client), "smtp-session");
                    session.setDaemon(true);
                    session.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket plain) {
            Socket socket = plain;
            try {
                BufferedReader in = reader(socket);
                OutputStream out = socket.getOutputStream();
                boolean secure = false;
                say(out, "220 localhost ESMTP test relay");
                for (String line; (line = in.readLine()) != null; ) {
                    String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase();
                    switch (command) {
                        case "EHLO" ->
                                say(
                                        out,
                                        secure
                                                ? "250-localhost\r\n250 8BITMIME"
                                                : "250-localhost\r\n250 STARTTLS");
                        case "STAR" -> {
                            say(out, "220 Ready to start TLS");
                            SSLSocket upgraded =
                                    (SSLSocket)
                                            tls.getSocketFactory()
                                                    .createSocket(
                                                            socket, null, socket.getPort(), true);
                            upgraded.setUseClientMode(false);
                            upgraded.startHandshake();
                            socket = upgraded;
                            in = reader(socket);
                            out = socket.getOutputStream();
                            secure = true;
                        }
                        case "MAIL", "RCPT", "RSET", "NOOP" -> say(out, "250 OK");
                        case "DATA" -> {
                            say(out, "354 End data with <CR><LF>.<CR><LF>");
                            StringBuilder mail = new StringBuilder();
                            for (String data;
                                    (data = in.readLine()) != null && !data.equals("."); ) {
                                mail.append(data).append('\n');
                            }
                            mails.add(mail.toString());
                            say(out, "250 OK queued");
                        }
                        case "QUIT" -> {
                            say(out, "221 Bye");
                            return;
                        }
                        default -> say(out, "502 Command not implemented");
                    }
                }
            } catch (IOException e) {
                // the client refused our certificate or went away: its side says why
            } finally {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closed already
                }
            }
        }

        private static BufferedReader reader(Socket socket) throws IOException {
            return new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
