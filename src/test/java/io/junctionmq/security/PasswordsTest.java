package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordsTest {

  private static User user(String hash, String algorithm) {
    return new User("u", hash, algorithm, List.of());
  }

  @Test
  void aHashedPasswordChecksOutAndNothingElseDoes() {
    String hash = Passwords.hash("s3cret");
    assertTrue(hash.startsWith("$pbkdf2$it=" + Passwords.ITERATIONS + "$"), hash);
    assertTrue(Passwords.verify(user(hash, Passwords.PBKDF2), "s3cret"));
    assertFalse(Passwords.verify(user(hash, Passwords.PBKDF2), "s3cret "));
    assertFalse(Passwords.verify(user(hash, Passwords.PBKDF2), ""));
  }

  @Test
  void eachHashHasItsOwnSalt() {
    assertNotEquals(Passwords.hash("same"), Passwords.hash("same"));
  }

  /** The hashes below were made with Python's hashlib, RabbitMQ's way, not with this code. */
  @Test
  void rabbitMqHashesCheckOutUnchanged() {
    assertTrue(Passwords.verify(user("kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G", Passwords.RABBIT_SHA256),
        "s3cret"));
    assertFalse(Passwords.verify(user("kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G", Passwords.RABBIT_SHA256),
        "s3creT"));
    String sha512 = "AQIDBGDXY61gngrOngQckx3y8and+kK2XuxsoxAShySorOfCbhxVUua1pyOQlTPzdvTK4M1NvRUd2Rt/KUEuKLq7c2g=";
    assertTrue(Passwords.verify(user(sha512, Passwords.RABBIT_SHA512), "qu33n"));
    assertEquals("kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G",
        Passwords.rabbitSha256(new byte[] {(byte) 0x90, (byte) 0x8d, (byte) 0xc6, 0x0a}, "s3cret"));
  }

  @Test
  void aUserWithoutPasswordOrWithABrokenHashNeverChecksOut() {
    assertFalse(Passwords.verify(user(null, Passwords.PBKDF2), "x"));
    assertFalse(Passwords.verify(user("not base64!", Passwords.RABBIT_SHA256), "x"));
    assertFalse(Passwords.verify(user("AAA=", Passwords.RABBIT_SHA256), "x"));
    assertFalse(Passwords.verify(user("whatever", "bcrypt"), "x"));
  }

  @Test
  void storedHashesAreCheckedBeforeTheyAreTaken() {
    Passwords.checkStored("kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G", Passwords.RABBIT_SHA256);
    Passwords.checkStored(Passwords.hash("x"), Passwords.PBKDF2);
    var unknown = assertThrows(JunctionException.class, () -> Passwords.checkStored("x", "bcrypt"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, unknown.code());
    var broken = assertThrows(JunctionException.class, () -> Passwords.checkStored("!!", Passwords.RABBIT_SHA256));
    assertEquals(ErrorCode.INVALID_ARGUMENT, broken.code());
  }
}
