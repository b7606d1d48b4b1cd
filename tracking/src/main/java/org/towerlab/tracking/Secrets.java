package org.towerlab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials written into URIs ({@code http://user:password@host:5000}) out of every
 * message, file, param and tag TowerLab writes. {@link #redact(String)} replaces the password (or
 * a lone token) of every URI in a text with {@code ***}; {@link #split(String)} takes the
 * credentials out of a URI so that they can be sent as an {@code Authorization} header instead.
 */
public final class Secrets {
  /** The mask written in place of a password. */
  public static final String MASK = "***";
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\\s'\"]+)@");

  private Secrets() {}

  /** {@code text} with the password of every {@code scheme://user:password@} replaced by {@code ***}. */
  public static String redact(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return text;
    }
    Matcher m = USERINFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String info = m.group(2);
      int colon = info.indexOf(':');
      String masked = colon < 0 ? MASK : info.substring(0, colon) + ":" + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A copy of {@code values} with every value {@linkplain #redact(String) redacted}, in the same order. */
  public static java.util.Map<String, String> redact(java.util.Map<String, String> values) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, redact(v)));
    return out;
  }

  /** A copy of {@code node} whose string values are {@linkplain #redact(String) redacted}; the same node when none needed it. */
  public static JsonNode redact(JsonNode node) {
    if (node == null || !contains(node)) {
      return node;
    }
    return redactCopy(node.deepCopy());
  }

  private static boolean contains(JsonNode node) {
    if (node.isTextual()) {
      String s = node.asText();
      return !s.equals(redact(s));
    }
    for (JsonNode child : node) {
      if (contains(child)) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode redactCopy(JsonNode node) {
    if (node.isObject()) {
      ObjectNode obj = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        obj.set(name, redactCopy(obj.get(name)));
      }
      return obj;
    }
    if (node.isArray()) {
      ArrayNode arr = (ArrayNode) node;
      for (int i = 0; i < arr.size(); i++) {
        arr.set(i, redactCopy(arr.get(i)));
      }
      return arr;
    }
    return node.isTextual() ? TextNode.valueOf(redact(node.asText())) : node;
  }

  /**
   * A URI without its user info, and the credentials that were in it (percent-decoded; null when
   * the URI had none).
   */
  public record UriCredentials(String uri, String username, String password) {
    /** Whether the URI carried a user name or token. */
    public boolean present() {
      return username != null;
    }
  }

  /** Splits {@code scheme://user:password@host/...} into the bare URI and the credentials. */
  public static UriCredentials split(String uri) {
    if (uri == null) {
      return new UriCredentials(null, null, null);
    }
    Matcher m = USERINFO.matcher(uri);
    if (!m.lookingAt()) {
      return new UriCredentials(uri, null, null);
    }
    String info = m.group(2);
    int colon = info.indexOf(':');
    String user = decode(colon < 0 ? info : info.substring(0, colon));
    String password = colon < 0 ? null : decode(info.substring(colon + 1));
    return new UriCredentials(m.group(1) + uri.substring(m.end()), user, password);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
