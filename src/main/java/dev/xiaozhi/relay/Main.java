package dev.xiaozhi.relay; public class Main { public static void main(String[] a){} }
