package io.durableobjects.cassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestKeyspacesTest {

  @Test
  void namesFollowTheTestClass() {
    TestKeyspaces keyspaces = TestKeyspaces.forClass(TestKeyspacesTest.class);

    assertThat(keyspaces.journalKeyspace()).isEqualTo("test_keyspaces_test");
    assertThat(keyspaces.snapshotKeyspace()).isEqualTo("test_keyspaces_test_snapshot");
  }

  @Test
  void namesAreValidAndShortEnough() {
    assertThat(TestKeyspaces.baseName("CassandraSchemaIT")).isEqualTo("cassandra_schema_it");
    assertThat(TestKeyspaces.baseName("HTTPGatewayIT")).isEqualTo("http_gateway_it");
    assertThat(TestKeyspaces.baseName("_odd$Name")).isEqualTo("odd_name");
    assertThat(TestKeyspaces.baseName("42")).isEqualTo("t_42");
    String longName = "AVeryLongIntegrationTestClassNameThatGoesOnAndOnForeverIT";
    String base = TestKeyspaces.baseName(longName);
    assertThat(base).hasSizeLessThanOrEqualTo(39).matches("[a-z][a-z0-9_]*");
    assertThat(base).isNotEqualTo(TestKeyspaces.baseName(longName + "2"));
    assertThat(TestKeyspaces.of(longName).snapshotKeyspace()).hasSizeLessThanOrEqualTo(48);
  }
}
