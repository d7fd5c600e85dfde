// Placeholder until the server layer lands.
int main() { return 0; }
