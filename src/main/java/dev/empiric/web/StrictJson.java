package dev.empiric.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * How request bodies are read: text must be text that every store keeps faithfully, and a whole
 * number must be whole. A NUL character or an unpaired surrogate is refused (PostgreSQL cannot store
 * the first, and neither survives the export's canonical JSON); {@code "parent": 0.5} is refused
 * instead of quietly becoming trial 0. Both are answered 400 with the field's name.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.registerModule(new SimpleModule("strict-text").addDeserializer(String.class, new StorableText()));
    }

    private static final class StorableText extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = super.deserialize(parser, context);
            if (text != null && !storable(text)) {
                throw JsonMappingException.from(parser, "'" + parser.currentName() + "' holds a NUL character or an"
                        + " unpaired surrogate, which cannot be stored");
            }
            return text;
        }
    }

    /** Whether {@code text} has neither NUL characters nor unpaired surrogates. */
    static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
