package io.redisbackup.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonSubTypes;

/** Every message in docs/messages.md is one the services read, and every message the services use is there. */
class DocumentedMessagesTest {

    @Test
    void everyMessageIsDocumentedWithAnExampleThatParses() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "messages.md"));
        Matcher example = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        Set<String> documented = new TreeSet<>();
        while (example.find()) {
            Message message = MessageCodec.fromJson(example.group(1), Message.class);
            documented.add(message.getClass().getSimpleName());
        }
        Set<String> all = new TreeSet<>();
        Arrays.stream(Message.class.getAnnotation(JsonSubTypes.class).value())
                .forEach(type -> all.add(type.value().getSimpleName()));
        assertEquals(all, documented);
    }
}
