package dev.taskrunner.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.testing.TestImages;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Proves the Docker path of the test suite: Testcontainers starts a real PostgreSQL (the pinned
 * public image, or the stand-in built from Debian packages where no registry is reachable). With no
 * Docker engine this test fails; it never skips.
 */
class PostgresContainerIT {

  @Test
  void realPostgresAnswersWithAPasswordFullOfSpecialCharacters() throws Exception {
    String password = "p@ss w:rd/#%&$'\"\\-x";
    try (PostgreSQLContainer postgres =
        new PostgreSQLContainer(TestImages.postgres())
            .withDatabaseName("app")
            .withUsername("taskrunner")
            .withPassword(password)) {
      postgres.start();
      try (Connection c =
              DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), password);
          ResultSet rs = c.createStatement().executeQuery("select current_database(), version()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("app");
        assertThat(rs.getString(2)).startsWith("PostgreSQL 15");
      }
    }
  }
}
