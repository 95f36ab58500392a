package io.redisbackup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentiles() {
        Stats stats = new Stats();
        for (int i = 100; i >= 1; i--) {
            stats.add(i);
        }
        assertEquals(1, stats.min());
        assertEquals(50, stats.median());
        assertEquals(99, stats.percentile(99));
        assertEquals(100, stats.max());
    }

    @Test
    void oneFigureIsItsOwnMedian() {
        Stats stats = new Stats();
        stats.add(7.25);
        assertEquals(7.25, stats.min());
        assertEquals(7.25, stats.percentile(99));
    }
}
