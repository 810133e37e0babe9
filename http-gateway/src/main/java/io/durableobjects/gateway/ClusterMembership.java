package io.durableobjects.gateway;

import com.typesafe.config.Config;
import io.durableobjects.gateway.internal.ManagementSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * How a starting node becomes an Up cluster member: Pekko Management's endpoint, cluster bootstrap
 * and the join (seed nodes, bootstrap, or a cluster of its own), each failure reported with what
 * the operator can check.
 */
final class ClusterMembership {
  private ClusterMembership() {}

  /**
   * Starts Pekko Management's HTTP endpoint and returns the address it is bound to (the actual port
   * when 0 was configured).
   */
  static InetSocketAddress startManagement(
      ActorSystem<?> system, ManagementSettings settings, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      Uri uri =
          PekkoManagement.get(system.classicSystem())
              .start()
              .toCompletableFuture()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return InetSocketAddress.createUnresolved(uri.host().address(), uri.port());
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot start Pekko Management on "
              + settings.host()
              + ":"
              + settings.port()
              + " (DO_MANAGEMENT_HOST, DO_MANAGEMENT_PORT): "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * Starts cluster bootstrap. Its discovery method is created here, and may fail at once (outside
   * Kubernetes, kubernetes-api finds no service account files), with checked exceptions that Scala
   * code throws undeclared: reported as an IllegalStateException naming the method.
   */
  static void startBootstrap(ActorSystem<?> system, ManagementSettings management) {
    String method = management.discoveryMethod().orElseThrow();
    try {
      ClusterBootstrap.get(system.classicSystem()).start();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start cluster bootstrap with discovery method "
              + method
              + " (DO_DISCOVERY_METHOD): "
              + e
              + (method.equals("kubernetes-api")
                  ? " (it reads the pod's service account files: is the node running in a"
                      + " Kubernetes pod with automountServiceAccountToken?)"
                  : ""),
          e);
    }
  }

  /**
   * Joins the cluster (a cluster of its own without seed nodes or bootstrap) and waits until this
   * node is an Up member.
   */
  static void joinCluster(ActorSystem<?> system, Config config, Duration timeout, boolean bootstrap)
      throws InterruptedException, TimeoutException {
    Cluster cluster = Cluster.get(system);
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (seeds.isEmpty() && !bootstrap) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the node did not become an Up cluster member within "
                + timeout
                + (bootstrap
                    ? " (cluster bootstrap: are at least required-contact-point-nr nodes"
                        + " discoverable and their management ports reachable? see the log)"
                    : seeds.isEmpty() ? "" : " (seed nodes " + seeds + ")"));
      }
      Thread.sleep(20);
    }
  }
}
