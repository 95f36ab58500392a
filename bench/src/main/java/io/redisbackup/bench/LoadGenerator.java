package io.redisbackup.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steady load of the API benchmark, run as a process of its own: {@code threads} clients each asking
 * {@code GET url} {@code perSecond} times a second until the process is stopped (or {@code seconds} pass); prints
 * how many requests it made and how many failed.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        int perSecond = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        String authorization = Api.authorization(java.nio.file.Path.of(args[4]));
        HttpClient http = HttpClient.newHttpClient();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long interval = 1_000_000_000L / perSecond;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(done.get() + " " + failed.get())));
        Thread[] clients = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            clients[t] = new Thread(() -> {
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", authorization).build(),
                                HttpResponse.BodyHandlers.discarding());
                        (response.statusCode() == 200 ? done : failed).incrementAndGet();
                        next += interval;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            clients[t].start();
        }
        for (Thread client : clients) {
            client.join();
        }
    }
}
