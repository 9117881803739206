package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** A key's id names it in manifests and messages; neither it nor anything printed reveals the key. */
class BackupKeyTest {

    @Property(tries = 200)
    void theIdIsSixteenHexDigitsStableForAKeyAndNothingPrintedHoldsTheKey(@ForAll @Size(32) List<Byte> bytes) {
        byte[] material = new byte[32];
        for (int i = 0; i < 32; i++) {
            material[i] = bytes.get(i);
        }
        BackupKey key = new BackupKey(material, "storage.encryption.key-env K");

        assertThat(key.id()).matches("[0-9a-f]{16}");
        assertThat(new BackupKey(material, "elsewhere").id()).isEqualTo(key.id());
        String printed = key + " " + BackupKeys.of(key, List.of()) + " " + key.id();
        assertThat(printed)
                .doesNotContain(Base64.getEncoder().encodeToString(material))
                .doesNotContain(HexFormat.of().formatHex(material, 0, 8))
                .contains(key.id());
    }

    @Property(tries = 200)
    void differentKeysHaveDifferentIds(@ForAll @Size(32) List<Byte> a, @ForAll @Size(32) List<Byte> b) {
        byte[] first = new byte[32];
        byte[] second = new byte[32];
        for (int i = 0; i < 32; i++) {
            first[i] = a.get(i);
            second[i] = b.get(i);
        }
        if (java.util.Arrays.equals(first, second)) {
            return;
        }
        assertThat(new BackupKey(first, "a").id()).isNotEqualTo(new BackupKey(second, "b").id());
    }

    @Property(tries = 50)
    void aKeyOfAnyOtherLengthIsRefused(@ForAll @Size(max = 64) List<Byte> bytes) {
        if (bytes.size() == 32) {
            return;
        }
        assertThatThrownBy(() -> new BackupKey(new byte[bytes.size()], "k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, not " + bytes.size());
    }
}
