package org.towerlab.modules.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An HTTP server on 127.0.0.1 (the JDK's {@code com.sun.net.httpserver}) that serves generated
 * files: whole, with a wrong status, or cut off mid-body with the connection closed (a dropped
 * connection). Counts the requests per path.
 */
final class LocalDataServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAt = new ConcurrentHashMap<>();
  private final Map<String, Integer> status = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, Boolean> hang = new ConcurrentHashMap<>();
  private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

  LocalDataServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
      byte[] body = files.get(path);
      Integer code = status.get(path);
      if (body == null || code != null) {
        ex.sendResponseHeaders(code == null ? 404 : code, -1);
        ex.close();
        return;
      }
      Integer cut = cutAt.get(path);
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      if (cut == null) {
        out.write(body);
        out.close();
        return;
      }
      out.write(body, 0, cut);
      out.flush();
      if (hang.containsKey(path)) {
        try {
          release.await(); // a stalled connection: open, silent, until the server closes
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      // fewer bytes than announced: an exception out of the handler makes the server close the
      // connection (closing the exchange would keep it alive and the client would wait forever)
      throw new IllegalStateException("connection dropped on purpose after " + cut + " bytes");
    });
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}. */
  String base() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  String url(String path) {
    return base() + path;
  }

  /** Serves {@code body} at {@code path} whole. */
  LocalDataServer serve(String path, byte[] body) {
    files.put(path, body);
    cutAt.remove(path);
    status.remove(path);
    return this;
  }

  /** Serves {@code body}'s length as Content-Length but closes the connection after {@code cut} bytes. */
  LocalDataServer drop(String path, byte[] body, int cut) {
    files.put(path, body);
    cutAt.put(path, cut);
    return this;
  }

  /** Sends {@code cut} bytes of {@code body}, then keeps the connection open and silent until {@link #close()}. */
  LocalDataServer stall(String path, byte[] body, int cut) {
    drop(path, body, cut);
    hang.put(path, true);
    return this;
  }

  /** Answers {@code code} with no body. */
  LocalDataServer status(String path, int code) {
    files.put(path, new byte[0]);
    status.put(path, code);
    return this;
  }

  int requests(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }

  /** A URL on 127.0.0.1 where nothing listens (a port just released): connections are refused. */
  static String deadUrl(String path) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort() + path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A zip of {@code entries} (name to text), in the given order. */
  static byte[] zip(Map<String, String> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTime(0);
        z.putNextEntry(entry);
        if (!e.getKey().endsWith("/")) {
          z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
