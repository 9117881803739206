package io.steward.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A TCP server that speaks just enough RESP to stand in for a Redis that no package here provides (an older
 * release, a managed service that refuses commands). It records every command it receives and answers each
 * with what the test's responder returns, as raw RESP.
 */
public final class FakeRedis implements AutoCloseable {

    private final ServerSocket server;
    /** Answers one command with raw RESP bytes. */
    @FunctionalInterface
    public interface RawResponder {
        byte[] reply(List<String> command);
    }

    private final RawResponder responder;
    private final List<List<String>> received = Collections.synchronizedList(new ArrayList<>());

    public FakeRedis(Function<List<String>, String> responder) throws IOException {
        this((RawResponder) command -> responder.apply(command).getBytes(StandardCharsets.UTF_8));
    }

    private FakeRedis(RawResponder responder) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.responder = responder;
        Thread acceptor = new Thread(this::accept, "fake-redis");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** A fake whose replies are raw bytes, for payloads that are not text (an RDB). */
    public static FakeRedis answeringBytes(RawResponder responder) throws IOException {
        return new FakeRedis(responder);
    }

    /** The commands received so far, each as its words, the command name upper-cased. */
    public List<List<String>> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public static String bulk(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return "$" + bytes.length + "\r\n" + text + "\r\n";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread session = new Thread(() -> serve(client), "fake-redis-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client;
                InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream()) {
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) {
                    return;
                }
                received.add(command);
                out.write(responder.reply(command));
                out.flush();
            }
        } catch (IOException gone) {
            // the client hung up
        }
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) {
            return null;
        }
        int count = Integer.parseInt(header.substring(1));
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(readLine(in).substring(1));
            words.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            readLine(in);
        }
        words.set(0, words.get(0).toUpperCase(java.util.Locale.ROOT));
        return words;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                return line.toString().stripTrailing();
            }
            line.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
