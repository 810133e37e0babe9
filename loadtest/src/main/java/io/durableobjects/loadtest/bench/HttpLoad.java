package io.durableobjects.loadtest.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP/1.1 load generator: {@code clients} keep-alive connections, each sending its
 * next request as soon as the previous response is in, for a fixed time. It runs on a few selector
 * threads so that, on a 2-core machine shared with the node and Cassandra, it costs about what wrk
 * would and far less than a thread or a future per request.
 *
 * <p>Responses must carry {@code Content-Length} (every response of the gateway does). A request
 * that gets no response within {@link #RESPONSE_TIMEOUT}, a connection error, or a chunked response
 * counts as an error. When the time is up no new request is sent, and every request already sent is
 * waited for, so every increment sent has a known outcome.
 */
final class HttpLoad {
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int SELECTOR_THREADS = 2;

  /**
   * The next request for a client, as complete HTTP/1.1 bytes; {@code null} when there is none
   * left.
   */
  interface Requests {
    byte[] next(int client, ThreadLocalRandom random);
  }

  /**
   * Told each request's outcome, on the load's selector threads: the HTTP status, or 0 when no
   * response came (I/O error or timeout; the request may still have been applied).
   */
  interface Outcomes {
    Outcomes NONE = (client, status) -> {};

    void completed(int client, int status);
  }

  /** What one run measured. Latencies are in microseconds. */
  record Result(
      long requests,
      long ok,
      Map<Integer, Long> statuses,
      long ioErrors,
      Histogram latencyMicros,
      double seconds) {
    long errors() {
      return requests - ok;
    }

    double perSecond() {
      return requests / seconds;
    }
  }

  private final InetSocketAddress address;

  HttpLoad(InetSocketAddress address) {
    this.address = address;
  }

  /**
   * Runs {@code clients} connections for {@code duration}, or until {@code requests} has none left.
   */
  Result run(Requests requests, int clients, Duration duration)
      throws IOException, InterruptedException {
    return run(requests, clients, duration, Outcomes.NONE);
  }

  /**
   * Like {@link #run(Requests, int, Duration)}, telling {@code outcomes} each request's outcome.
   */
  Result run(Requests requests, int clients, Duration duration, Outcomes outcomes)
      throws IOException, InterruptedException {
    int threads = Math.min(SELECTOR_THREADS, clients);
    long start = System.nanoTime();
    long stopSendingAt = start + duration.toNanos();
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Integer> mine = new ArrayList<>();
      for (int c = t; c < clients; c += threads) {
        mine.add(c);
      }
      workers.add(new Worker(mine, requests, outcomes, stopSendingAt));
    }
    List<Thread> running = new ArrayList<>();
    for (Worker worker : workers) {
      Thread thread = new Thread(worker, "bench-load-" + running.size());
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Histogram all = new Histogram(1, RESPONSE_TIMEOUT.toNanos() / 1000 * 2, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long sent = 0;
    long ok = 0;
    long ioErrors = 0;
    for (Worker worker : workers) {
      if (worker.failure != null) {
        throw new IOException("the load generator failed: " + worker.failure, worker.failure);
      }
      all.add(worker.histogram);
      worker.statuses.forEach((status, n) -> statuses.merge(status, n, Long::sum));
      sent += worker.completed;
      ok += worker.ok;
      ioErrors += worker.ioErrors;
    }
    return new Result(sent, ok, statuses, ioErrors, all, seconds);
  }

  /** One selector thread and its connections. */
  private final class Worker implements Runnable {
    private final List<Integer> clientIds;
    private final Requests requests;
    private final Outcomes outcomes;
    private final long stopSendingAt;
    final Histogram histogram = new Histogram(1, RESPONSE_TIMEOUT.toNanos() / 1000 * 2, 3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long completed;
    long ok;
    long ioErrors;
    int busy;
    Throwable failure;

    Worker(List<Integer> clientIds, Requests requests, Outcomes outcomes, long stopSendingAt) {
      this.clientIds = clientIds;
      this.requests = requests;
      this.outcomes = outcomes;
      this.stopSendingAt = stopSendingAt;
    }

    @Override
    public void run() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      try (Selector selector = Selector.open()) {
        List<Connection> connections = new ArrayList<>();
        for (int id : clientIds) {
          connections.add(new Connection(id));
        }
        // Connect all first: a connect that waits (a full accept queue makes the kernel retry the
        // handshake after a second) must not hold up the answers of connections already sending.
        for (Connection connection : connections) {
          try {
            connection.open(selector);
          } catch (IOException e) {
            failed(connection);
          }
        }
        for (Connection connection : connections) {
          sendNext(selector, connection, random);
        }
        long lastTimeoutScan = System.nanoTime();
        while (busy > 0) {
          selector.select(100);
          for (SelectionKey key : selector.selectedKeys()) {
            Connection connection = (Connection) key.attachment();
            try {
              if (key.isValid() && key.isWritable()) {
                connection.write();
              }
              if (key.isValid() && key.isReadable()) {
                int status = connection.read();
                if (status > 0) {
                  record(connection, status);
                  if (connection.closeAfter) {
                    connection.close();
                  }
                  sendNext(selector, connection, random);
                }
              }
            } catch (IOException e) {
              failed(connection);
              sendNext(selector, connection, random);
            }
          }
          selector.selectedKeys().clear();
          long now = System.nanoTime();
          if (now - lastTimeoutScan > 1_000_000_000L) {
            lastTimeoutScan = now;
            for (Connection connection : connections) {
              if (connection.busy && now - connection.sentAt > RESPONSE_TIMEOUT.toNanos()) {
                failed(connection);
                sendNext(selector, connection, random);
              }
            }
          }
        }
        for (Connection connection : connections) {
          connection.close();
        }
      } catch (Throwable t) {
        failure = t;
      }
    }

    /**
     * A request that got no response (I/O error or timeout): counted, and its connection closed.
     */
    private void failed(Connection connection) {
      ioErrors++;
      completed++;
      connection.close();
      outcomes.completed(connection.id, 0);
    }

    private void record(Connection connection, int status) {
      long micros = Math.max(1, (System.nanoTime() - connection.sentAt) / 1000);
      histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
      completed++;
      if (status >= 200 && status < 300) {
        ok++;
      }
      statuses.merge(status, 1L, Long::sum);
      outcomes.completed(connection.id, status);
    }

    /**
     * Sends the connection's next request, or leaves it idle when time is up or nothing is left.
     */
    private void sendNext(Selector selector, Connection connection, ThreadLocalRandom random)
        throws IOException {
      if (connection.busy) {
        connection.busy = false;
        busy--;
      }
      if (System.nanoTime() >= stopSendingAt) {
        return;
      }
      byte[] request = requests.next(connection.id, random);
      if (request == null) {
        return;
      }
      try {
        connection.send(selector, request);
        busy++;
      } catch (IOException e) {
        connection.busy = false;
        failed(connection);
      }
    }
  }

  /** One keep-alive connection with at most one request outstanding. */
  private final class Connection {
    final int id;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    long sentAt;
    boolean busy;
    boolean closeAfter;

    Connection(int id) {
      this.id = id;
    }

    void open(Selector selector) throws IOException {
      channel = SocketChannel.open();
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(address);
      channel.configureBlocking(false);
      key = channel.register(selector, 0, this);
    }

    void send(Selector selector, byte[] request) throws IOException {
      if (channel == null) {
        open(selector);
      }
      busy = true;
      closeAfter = false;
      in.clear();
      out = ByteBuffer.wrap(request);
      sentAt = System.nanoTime();
      write();
    }

    void write() throws IOException {
      channel.write(out);
      key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Reads what is there; answers the status once the whole response is in, else 0. */
    int read() throws IOException {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      if (channel.read(in) < 0) {
        throw new IOException("the server closed the connection");
      }
      byte[] bytes = in.array();
      int end = headerEnd(bytes, in.position());
      if (end < 0) {
        return 0;
      }
      String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      long length = -1;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          throw new IOException("unsupported response with Transfer-Encoding: " + value);
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          closeAfter = true;
        }
      }
      if (length < 0) {
        throw new IOException("a response without Content-Length");
      }
      if (in.position() < end + 4 + length) {
        return 0;
      }
      return status;
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing anyway
        }
        channel = null;
        key = null;
      }
    }
  }

  private static int headerEnd(byte[] bytes, int limit) {
    for (int i = 3; i < limit; i++) {
      if (bytes[i] == '\n'
          && bytes[i - 1] == '\r'
          && bytes[i - 2] == '\n'
          && bytes[i - 3] == '\r') {
        return i - 3;
      }
    }
    return -1;
  }
}
