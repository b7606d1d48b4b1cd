package org.towerlab.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A data host on 127.0.0.1 for the CLI's download tests (the JDK's {@code com.sun.net.httpserver}):
 * serves generated archives whole or cuts the connection mid-body.
 */
final class FetchServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAt = new ConcurrentHashMap<>();

  FetchServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", ex -> {
      byte[] body = files.get(ex.getRequestURI().getPath());
      if (body == null) {
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return;
      }
      Integer cut = cutAt.get(ex.getRequestURI().getPath());
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      out.write(body, 0, cut == null ? body.length : cut);
      if (cut != null) {
        out.flush();
        // an exception out of the handler makes the server close the connection mid-body
        throw new IllegalStateException("dropped on purpose");
      }
      out.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  FetchServer serve(String path, byte[] body) {
    files.put(path, body);
    cutAt.remove(path);
    return this;
  }

  FetchServer drop(String path, byte[] body, int cut) {
    files.put(path, body);
    cutAt.put(path, cut);
    return this;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A zip holding every file of {@code dir} under the folder {@code root}/. */
  static byte[] zipFolder(Path dir, String root) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes); Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        ZipEntry e = new ZipEntry(root + "/" + dir.relativize(f).toString().replace('\\', '/'));
        e.setTime(0);
        z.putNextEntry(e);
        z.write(Files.readAllBytes(f));
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

  /** A catalog file that points {@code name} at {@code url} with the archive's checksum. */
  static Path catalog(Path file, String name, String url, byte[] archive) {
    DataFixtures.write(file, name + ":\n  url: " + url + "\n  sha256: '" + sha256(archive) + "'\n  size: "
        + archive.length + "\n");
    return file;
  }
}
