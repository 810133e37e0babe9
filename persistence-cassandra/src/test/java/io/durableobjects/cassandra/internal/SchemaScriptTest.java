package io.durableobjects.cassandra.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchemaScriptTest {

  @Test
  void splitsOnTrailingSemicolonsAndDropsComments() {
    String script = "-- header\n\nCREATE A (\n  x int);\n  -- note\nCREATE B;\n";

    assertThat(SchemaScript.split(script)).containsExactly("CREATE A (\n  x int)", "CREATE B");
  }

  @Test
  void rejectsAnUnterminatedStatement() {
    assertThatThrownBy(() -> SchemaScript.split("CREATE A;\nCREATE B"))
        .hasMessage("the CQL script ends with an unterminated statement: CREATE B");
  }
}
