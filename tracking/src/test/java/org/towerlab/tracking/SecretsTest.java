package org.towerlab.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void redact_userAndPassword_masksPasswordKeepsUserAndHost() {
    assertThat(Secrets.redact("server http://admin:s3cr%40t@127.0.0.1:5000/x failed"))
        .isEqualTo("server http://admin:***@127.0.0.1:5000/x failed");
  }

  @Test
  void redact_tokenOnlyAndSeveralUris_masksEach() {
    assertThat(Secrets.redact("a https://tok123@h/ b ftp://u:p@h2"))
        .isEqualTo("a https://***@h/ b ftp://u:***@h2");
  }

  @Test
  void redact_noUserInfo_unchanged() {
    String s = "mail me at a@b.c, see http://host:5000/path?x=a@b";
    assertThat(Secrets.redact(s)).isEqualTo(s);
    assertThat(Secrets.redact((String) null)).isNull();
  }

  @Test
  void redact_jsonTree_copiesOnlyWhenNeeded() throws Exception {
    JsonNode clean = new ObjectMapper().readTree("{\"a\": [\"x\", 1]}");
    JsonNode dirty = new ObjectMapper().readTree("{\"tracking\": {\"uri\": \"http://u:pw@h:1\"}, \"n\": [\"http://u:pw@h\"]}");

    assertThat(Secrets.redact(clean)).isSameAs(clean);
    JsonNode red = Secrets.redact(dirty);
    assertThat(red.toString()).doesNotContain("pw").contains("http://u:***@h:1");
    assertThat(dirty.toString()).contains("pw"); // the original is left alone
  }

  @Test
  void redact_map_valuesMasked() {
    assertThat(Secrets.redact(Map.of("tracking.uri", "http://u:pw@h"))).containsEntry("tracking.uri", "http://u:***@h");
  }

  @Test
  void split_userInfo_decodedAndRemoved() {
    Secrets.UriCredentials c = Secrets.split("http://ad%3Amin:p%40ss+w@127.0.0.1:5000/");

    assertThat(c.uri()).isEqualTo("http://127.0.0.1:5000/");
    assertThat(c.username()).isEqualTo("ad:min");
    assertThat(c.password()).isEqualTo("p@ss+w");
    assertThat(c.present()).isTrue();
    assertThat(Secrets.split("http://h:1").present()).isFalse();
    assertThat(Secrets.split("http://tok@h").password()).isNull();
  }
}
