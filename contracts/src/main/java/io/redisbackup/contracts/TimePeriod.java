package io.redisbackup.contracts;

import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The hour of the day in which an automatic backup starts, as the cloud consoles offer it: one hour on the hour,
 * written {@code "02:00-03:00"}; {@code "23:00-00:00"} is the last hour of the day.
 */
public record TimePeriod(int startHour) {

    private static final Pattern FORM = Pattern.compile("(\\d{2}):00-(\\d{2}):00");

    public TimePeriod {
        if (startHour < 0 || startHour > 23) {
            throw new IllegalArgumentException("a time period starts at an hour from 00 to 23");
        }
    }

    /** The period written {@code HH:00-HH:00}, one hour long, or IllegalArgumentException saying what is wrong. */
    @JsonCreator
    public static TimePeriod parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be one hour on the hour, written like 02:00-03:00");
        }
        int start = Integer.parseInt(m.group(1));
        int end = Integer.parseInt(m.group(2));
        if (start > 23 || end > 23 || end != (start + 1) % 24) {
            throw new IllegalArgumentException("must be one hour on the hour, written like 02:00-03:00");
        }
        return new TimePeriod(start);
    }

    public LocalTime start() {
        return LocalTime.of(startHour, 0);
    }

    @JsonValue
    @Override
    public String toString() {
        return String.format("%02d:00-%02d:00", startHour, (startHour + 1) % 24);
    }
}
