package io.junctionmq;

public final class Junction {
  public static void main(String[] args) {
    System.out.println("junction");
  }
}
